pipeline {
    agent any
    stages {
        stage('build') {
            parallel {
                stage('outer') {
                    parallel {
                        stage('inner') {
                            steps {
                                echo 'hi'
                            }
                        }
                    }
                }
            }
        }
    }
}
