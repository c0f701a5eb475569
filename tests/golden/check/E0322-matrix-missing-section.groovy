pipeline {
    agent any
    stages {
        stage('build') {
            matrix {
                stages {
                    stage('cell') {
                        steps {
                            echo 'hi'
                        }
                    }
                }
            }
        }
    }
}
