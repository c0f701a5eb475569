pipeline {
    agent any
    stages {
        stage('build') {
            matrix {
                axes {
                    axis {
                        name 'OS'
                        values 'linux', 'linux'
                    }
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
