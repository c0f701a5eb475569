pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
            stages {
                stage('inner') {
                    steps {
                        echo 'hi'
                    }
                }
            }
        }
    }
}
