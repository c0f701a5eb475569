pipeline {
    agent any
    stages {
        stage('build') {
            matrix {
                axes {
                }
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
